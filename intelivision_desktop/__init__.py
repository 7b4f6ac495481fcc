"""InteliVision Desktop: operator console for the InteliVision assistive-vision system."""

__version__ = "0.1.0"
APP_TITLE = "InteliVision Desktop"
