from briefqa.cli import main

main()
