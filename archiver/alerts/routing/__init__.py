"""Where an alert goes: its channels, its readers, and the units of delivery it owes."""
