"""CLI command modules. Each imports only typer at start-up; the domain inside its commands."""
