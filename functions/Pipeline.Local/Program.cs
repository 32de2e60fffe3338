using Microsoft.Extensions.Options;
using Pipeline.Application.Composition;
using Pipeline.Local;

if (args is ["demo", ..])
{
    LedgerDemo.Run(Console.Out, TimeProvider.System);
    return 0;
}

// The API's OpenAPI document, as GET /api/v1/openapi.json serves it: docs/openapi.json is this, and clients are generated from it.
if (args is ["openapi", ..])
{
    Console.Out.WriteLine(OpenApiDocument.Json());
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
