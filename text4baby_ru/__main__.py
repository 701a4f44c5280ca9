"""`python -m text4baby_ru` runs the command line."""

from text4baby_ru.cli import main

main()
