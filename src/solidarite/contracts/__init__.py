"""The contract workflow: signing, suspension, resumption and exit of a file, with their payment
effects. It sits above `cases` (the file state machine) and `payments` (schedules, batches):
both are imported from here, and neither imports the other's workflow."""
