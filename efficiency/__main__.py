from efficiency.cli import main

main()
