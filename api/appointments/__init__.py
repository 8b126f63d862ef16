"""Sites, slots, bookings, waitlist, check-in and exam slots (预约办理)."""
