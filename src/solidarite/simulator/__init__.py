"""The public resident simulator: "what can I claim?", asking only the questions that matter."""
