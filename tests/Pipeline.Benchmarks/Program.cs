using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;

// "ledger-store" runs the load test of the Cosmos ledger store on the local emulator, "http" the HTTP load test
// of the local host, "charging-sim" the seeded simulation of charging sessions (ChargingSimulation), "settlement-run" a settlement run over many
// merchants (SettlementRunLoad), "statement-import" a camt.053 statement of many entries reconciled (StatementImportLoad), "wrk-target" the local host left serving for wrk (wrk.sh); anything else goes to BenchmarkDotNet (in-process benchmarks).
if (args.Length > 0 && args[0] == "ledger-store")
{
    await LedgerStoreLoad.RunAsync(args[1..]);
}
else if (args.Length > 0 && args[0] == "http")
{
    await HttpLoad.RunAsync(args[1..]);
}
else if (args.Length > 0 && args[0] == "charging-sim")
{
    await ChargingSimulation.RunAsync(args[1..]);
}
else if (args.Length > 0 && args[0] == "settlement-run")
{
    await SettlementRunLoad.RunAsync(args[1..]);
}
else if (args.Length > 0 && args[0] == "statement-import")
{
    await StatementImportLoad.RunAsync(args[1..]);
}
else if (args.Length > 0 && args[0] == "wrk-target")
{
    await WrkTarget.RunAsync(args[1..]);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(LedgerCoreBenchmarks).Assembly).Run(args);
}
