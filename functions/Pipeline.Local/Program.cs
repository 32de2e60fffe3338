using Microsoft.Extensions.Options;
using Pipeline.Local;

if (args is ["demo", ..])
{
    LedgerDemo.Run(Console.Out, TimeProvider.System);
    return 0;
}

LocalHost host;
try
{
    host = await LocalHost.StartAsync(args);
}
catch (OptionsValidationException e)
{
    // A setting that cannot work is the operator's to fix: one line that names it says more than a stack trace.
    await Console.Error.WriteLineAsync("Pipeline cannot start: " + string.Join(" ", e.Failures));
    return 1;
}

await using (host)
{
    host.PrintWelcome(Console.Out);
    await host.App.WaitForShutdownAsync();
}

return 0;
