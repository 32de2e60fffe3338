namespace Pipeline.Cosmos.EmulatorTests;

/// <summary>The document most tests write: an id, a partition key and a couple of values to query on.</summary>
public sealed record Account(string Id, string Pk, long Balance, string Status = "open", int Version = 0);

/// <summary>A counter for the concurrency tests.</summary>
public sealed record Counter(string Id, string Pk, long Value);
