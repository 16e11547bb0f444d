"""Platform scripts: image sync, secret provisioning and parameter flow."""
