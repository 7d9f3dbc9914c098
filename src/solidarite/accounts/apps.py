from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "solidarite.accounts"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        from solidarite.accounts import history, providers  # noqa: F401 (registers the check)

        history.register_models()
