from wizard.startup import main

raise SystemExit(main())
