"""Deployment: the CloudFormation pieces merged into `chalice package` output (see docs/deploy.md)."""
