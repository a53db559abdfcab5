using System.Text.Json.Serialization;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// A queued message as sealed in the outbox: the serializer's default options (PascalCase names, enums as numbers),
/// generated at build time instead of reflected at run time, since every enqueue serializes one (a decoy's too). The
/// bytes are those the reflection-based serializer wrote before, so messages queued by an earlier version still read
/// (<c>RedisNotificationJsonContextTests</c>).
/// </summary>
[JsonSerializable(typeof(Notification))]
internal sealed partial class RedisNotificationJsonContext : JsonSerializerContext;
