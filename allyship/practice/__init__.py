"""A member's own practice: plans, the journal (actions, reflections, away weeks),
if–then plans, activity ideas, and the tables pages show and edit."""
