"""The reviewers' web app (`claims review serve`): see review/README.md."""
