from newsflow.app.cli import main

raise SystemExit(main())
