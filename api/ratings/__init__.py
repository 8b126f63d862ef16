"""好差评: ratings of finished services and the follow-up of bad reviews."""
