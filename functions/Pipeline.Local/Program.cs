using Pipeline.Local;

if (args is ["demo", ..])
{
    LedgerDemo.Run(Console.Out, TimeProvider.System);
    return;
}

await using var host = await LocalHost.StartAsync(args);
host.PrintWelcome(Console.Out);
await host.App.WaitForShutdownAsync();
