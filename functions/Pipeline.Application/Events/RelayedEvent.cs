namespace Pipeline.Application.Events;

/// <summary>An event on its way out of its outbox: the merchant it belongs to (who may read it, whose endpoints get it) and the envelope.</summary>
public sealed record RelayedEvent(string MerchantId, EventEnvelope Envelope);
