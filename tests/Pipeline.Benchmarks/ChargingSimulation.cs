using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Application.Charging.Sessions;

namespace Pipeline.Benchmarks;

/// <summary>
/// The seeded charging simulation (docs/PERFORMANCE.md "Charging sessions"): N sessions open at once through HTTP, their
/// OCPP events sent in rounds (every session's first send, then every session's second, …), some twice, some out of
/// order; then every session must capture exactly its price and release the rest, and the books must balance.
/// <c>charging-sim [sessions] [seed] [workers]</c> starts its own local host on emulators that outlive it, restarts the
/// host after the second round, and first measures the Durable backend's rate of near-empty orchestrations in the same
/// run; <c>charging-sim --url URL --admin-key KEY [sessions] [seed] [workers]</c> runs against a running host instead
/// (no restart, no baseline: they need the host in this process).
/// </summary>
internal static class ChargingSimulation
{
    public static async Task RunAsync(string[] args)
    {
        var url = Option(ref args, "--url");
        var adminKey = Option(ref args, "--admin-key");
        var sessions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_261_201;
        var workers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
        if (url is not null)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            await SimulateAsync(http, adminKey ?? throw new ArgumentException("--admin-key: the host's admin key."), sessions, seed, workers, null);
            return;
        }

        await using var own = await OwnHost.StartAsync();
        using var client = new HttpClient(new OwnHost.Follow(own, workers)) { BaseAddress = own.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var baseline = await EmptyOrchestrationRateAsync(own.Host.Durable.Client, Math.Min(sessions, 200));
        Console.WriteLine($"Durable backend (Azurite), same run: {baseline:0.0} near-empty orchestrations/s (one activity each, scheduled at once, until all completed)");
        var rate = await SimulateAsync(client, own.AdminKey, sessions, seed, workers, own.RestartAsync);
        Console.WriteLine($"Sessions/s against that: {rate / baseline:P0}");
    }

    /// <summary>Runs the plan; returns sessions per second (first send to last capture).</summary>
    private static async Task<double> SimulateAsync(HttpClient http, string adminKey, int count, int seed, int workers, Func<ChargingSimWorld, Task>? restart)
    {
        var world = await ChargingSimWorld.CreateAsync(http, adminKey);
        var plan = world.Plan(count, seed);
        var rounds = plan.Max(s => s.Sends.Count);
        var latencies = new List<double>();
        var retries = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            var sends = plan.Where(s => s.Sends.Count > round).Select(s => (Session: s, Body: s.Sends[round])).ToList();
            var done = 0;
            await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (send, _) =>
            {
                var (took, tries) = await SendUntilAnsweredAsync(world, send.Session, send.Body);
                lock (latencies)
                {
                    latencies.Add(took);
                    retries += tries;
                }

                if (Interlocked.Increment(ref done) % 100 == 0)
                {
                    Console.Write($"\rround {round + 1}/{rounds}: {done}/{sends.Count} events sent, {retries} retried, {clock.Elapsed.TotalSeconds:0} s   ");
                }
            });
            Console.WriteLine($"\rround {round + 1}/{rounds}: {sends.Count} events sent, {retries} retried so far, {clock.Elapsed.TotalSeconds:0} s          ");
            if (round == 1 && restart is not null)
            {
                await restart(world);
                Console.WriteLine($"host restarted at {clock.Elapsed.TotalSeconds:0} s (the charger's secret rotated: the local host keeps it in memory)");
            }
        }

        var sent = clock.Elapsed;
        var completed = await WaitCompletedAsync(http, count, clock);
        var rate = count / clock.Elapsed.TotalSeconds;
        latencies.Sort();
        Console.WriteLine($"{count} sessions, {latencies.Count} events sent in {sent.TotalSeconds:0.0} s; all {completed.Count} completed after {clock.Elapsed.TotalSeconds:0.0} s: "
            + $"{rate:0.0} sessions/s; event latency p50 {latencies[latencies.Count / 2]:0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:0} ms; {retries} sends retried");
        Verify(plan, completed);
        await AuditAsync(http, adminKey);
        return rate;
    }

    /// <summary>The books after the run: balanced, and once the merchant's background credits landed, nothing in flight.</summary>
    private static async Task AuditAsync(HttpClient http, string adminKey)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/ledger/audit");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
            using var response = await http.SendAsync(request);
            var audit = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            var inFlight = audit.GetProperty("currencies").GetProperty("EUR").GetProperty("inFlight").GetInt64();
            if (inFlight == 0 || attempt == 60)
            {
                var balanced = audit.GetProperty("balanced").GetBoolean();
                Console.WriteLine($"Ledger audit: balanced = {balanced}, {inFlight} minor units in flight.");
                Environment.ExitCode = balanced && inFlight == 0 ? Environment.ExitCode : 1;
                return;
            }

            await Task.Delay(1_000);
        }
    }

    /// <summary>Sends until the host answers (a restart refuses connections for a while; a 5xx is retried as a station would).</summary>
    private static async Task<(double Ms, int Retries)> SendUntilAnsweredAsync(ChargingSimWorld world, SimSession session, string body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var status = await world.SendAsync(session, body, attempt);
                if (status == HttpStatusCode.OK)
                {
                    return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt);
                }

                if (attempt > 50 || (status != HttpStatusCode.Unauthorized && (int)status < 500))
                {
                    throw new InvalidOperationException($"Session {session.TransactionId}: the host answered {(int)status}.");
                }
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                // The host is restarting.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Min(attempt + 1, 10)));
        }
    }

    private static async Task<Dictionary<string, JsonElement>> WaitCompletedAsync(HttpClient http, int count, Stopwatch clock)
    {
        var deadline = clock.Elapsed + TimeSpan.FromMinutes(15);
        while (true)
        {
            var completed = new Dictionary<string, JsonElement>();
            string? after = null;
            do
            {
                var page = await http.GetFromJsonAsync<JsonElement>($"api/v1/charging/sessions?status=completed&limit=100{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
                foreach (var session in page.GetProperty("sessions").EnumerateArray())
                {
                    completed[session.GetProperty("transactionId").GetString()!] = session.Clone();
                }

                after = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            }
            while (after is not null);
            Console.Write($"\r{completed.Count}/{count} sessions completed, {clock.Elapsed.TotalSeconds:0} s   ");
            if (completed.Count >= count || clock.Elapsed > deadline)
            {
                Console.WriteLine();
                return completed;
            }

            await Task.Delay(1_000);
        }
    }

    /// <summary>Every session captured exactly its price, held no more than it released back, left nothing uncollected.</summary>
    private static void Verify(IReadOnlyList<SimSession> plan, Dictionary<string, JsonElement> completed)
    {
        var wrong = new List<string>();
        foreach (var session in plan)
        {
            if (!completed.TryGetValue(session.TransactionId, out var found))
            {
                wrong.Add($"{session.TransactionId}: not completed");
                continue;
            }

            var (captured, released, hold) = (found.GetProperty("capturedAmount").GetInt64(), found.GetProperty("releasedAmount").GetInt64(),
                found.GetProperty("authorization").GetProperty("holdAmount").GetInt64());
            if (captured != session.ExpectedMinor || captured + released != hold || found.GetProperty("uncollectedAmount").GetInt64() != 0)
            {
                wrong.Add($"{session.TransactionId}: captured {captured} of {session.ExpectedMinor}, released {released} of a hold of {hold}");
            }
        }

        Console.WriteLine(wrong.Count == 0
            ? $"Every one of the {plan.Count} sessions captured exactly its price and released the rest of its hold."
            : $"{wrong.Count} sessions are wrong:\n{string.Join('\n', wrong.Take(20))}");
        if (wrong.Count > 0)
        {
            Environment.ExitCode = 1;
        }
    }

    /// <summary>
    /// The Durable backend's rate in this run: <paramref name="count"/> session orchestrations for sessions that never
    /// existed (each runs one activity that finds nothing and ends), scheduled at once, until all completed.
    /// </summary>
    private static async Task<double> EmptyOrchestrationRateAsync(DurableTaskClient client, int count)
    {
        var clock = Stopwatch.StartNew();
        var ids = Enumerable.Range(0, count).Select(i => $"baseline-{Guid.NewGuid():N}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, token) =>
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ChargingSessionOrchestrator), new SessionWork("baseline", id, 0), new StartOrchestrationOptions(id), token));
        foreach (var id in ids)
        {
            await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: false);
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static string? Option(ref string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0 || index + 1 >= args.Length)
        {
            return null;
        }

        var value = args[index + 1];
        args = [.. args[..index], .. args[(index + 2)..]];
        return value;
    }
}
