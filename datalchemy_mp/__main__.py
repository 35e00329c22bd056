from datalchemy_mp.cli import main

main()
