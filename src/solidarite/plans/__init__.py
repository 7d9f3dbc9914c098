"""Plans and measures: follow a solidarity plan from promise to done, publicly."""
