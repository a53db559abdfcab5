namespace Recovery.AuthServer.Notifications;

/// <summary>
/// A message taken from the queue. <see cref="Deliveries"/> counts how many times it has been taken,
/// this time included: above 1, an earlier taker stopped (or died) before acknowledging it.
/// </summary>
public sealed record QueuedNotification(string Id, Notification Notification, int Deliveries);
