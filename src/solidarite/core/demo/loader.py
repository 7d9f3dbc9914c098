"""Load every part of the demo data, in dependency order, and say what the operator can use."""

from solidarite.core.demo import accounts, caseload, payments, plans


def load_demo() -> str:
    """Load the demo data and return the text to print: the demo accounts and their roles."""
    loaded = accounts.load()
    loaded_plans = plans.load()
    lines = ["Comptes de démonstration (mot de passe : " + accounts.DEMO_PASSWORD + ") :"]
    lines += [f"  {a.username:<12} {a.role.label} — {a.organisation}" for a in loaded]
    lines.append(f"Plans : {', '.join(p.slug for p in loaded_plans)}")
    people = caseload.load()
    lines.append(f"Accompagnement : {people} jeunes fictifs orientés vers l'aide aux jeunes")
    payments.load()
    lines.append("Finances : lots des mois passés validés, stock d'aides en nature")
    return "\n".join(str(line) for line in lines)
