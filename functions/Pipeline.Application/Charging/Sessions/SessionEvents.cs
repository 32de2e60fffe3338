namespace Pipeline.Application.Charging.Sessions;

/// <summary>The events a charging session emits (docs/EVENTS.md); data is the session as GET /charging/sessions/{id} shows it.</summary>
public static class SessionEvents
{
    public const string Started = "charging.session.started";
    public const string Authorized = "charging.session.authorized";
    public const string Rejected = "charging.session.rejected";
    public const string StopRequested = "charging.session.stop_requested";
    public const string Completed = "charging.session.completed";

    public static IReadOnlyList<string> Types { get; } = [Started, Authorized, Rejected, StopRequested, Completed];
}
