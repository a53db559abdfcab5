using System.Text.Json;
using System.Text.Json.Serialization;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>The customer profile as stored: immutable once added, so plain JSON is enough (no script edits it).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CustomerRecord))]
internal sealed partial class RedisCustomerJsonContext : JsonSerializerContext;
