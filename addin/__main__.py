"""`python -m addin` is the `complaints` command."""

from addin.cli import main

if __name__ == "__main__":
    main()
