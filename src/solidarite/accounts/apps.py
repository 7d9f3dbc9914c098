from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "solidarite.accounts"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        from solidarite.accounts import history

        history.register_models()
