"""edge-wizard: a troubleshooting wizard for Genesys Cloud telephony admins."""

__version__ = "0.1.0"
