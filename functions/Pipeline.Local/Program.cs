using Pipeline.Local;

LedgerDemo.Run(Console.Out, TimeProvider.System);
