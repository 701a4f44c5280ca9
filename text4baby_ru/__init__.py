"""Text4baby Russia: an SMS programme for maternal health."""

__version__ = "0.1.0"
