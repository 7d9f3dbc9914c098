"""Case management: from a partner's referral to the file's exit."""
