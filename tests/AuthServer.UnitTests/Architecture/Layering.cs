namespace Recovery.AuthServer.UnitTests.Architecture;

/// <summary>
/// The server's layers and the allowed-imports table (docs/architecture.md draws it): which unit may use which.
/// A unit is a namespace, or a namespace with its sub-namespaces where one capability spans a folder and its sub-folder
/// (<c>Notifications(.Sms)</c>): their types use each other freely. Arrows point down only: a row lists units of lower
/// layers, except among the capabilities (L2), where a few imports are listed and none makes a cycle.
/// </summary>
/// <remarks>
/// When a change needs an import its row forbids, move the type to its owner rather than widen the row.
/// <see cref="KnownViolations"/> are today's uses outside the table, being removed (issue 10); when your change removes
/// one, delete its line (a stale line fails the test). Never add one.
/// </remarks>
internal static class Layering
{
    private static readonly string[] Primitives = ["Common", "Security", "Storage"];

    private static readonly string[] Capabilities =
        ["Otp", "Sessions", "Idempotency", "Passwords", "Captcha", "Cards", "Identity", "Channels", "RateLimiting", "Notifications", "Audit"];

    private static readonly string[] Modules = ["Customers", "Operations"];

    private static readonly string[] Flows = ["Recovery", "Access", "CallCentre"];

    private static readonly string[] Adapters = ["Grpc", "Storage.InMemory", "Storage.Redis", "Observability"];

    public static IReadOnlyList<Unit> Units { get; } =
    [
        new(7, "Program", [], ["Hosting"]),

        // Wiring only: options, providers, authentication, interceptors, listeners. The one place that picks a provider.
        new(6, "Hosting", [], [.. Primitives, .. Capabilities, .. Modules, .. Flows, .. Adapters]),

        // Adapters map outcomes, never a capability's exception or storage's: one refusal route (a Failure). Hence no Storage.
        new(5, "Grpc", [], ["Common", "Security", .. Capabilities, .. Modules, .. Flows]),

        // The providers implement the store interfaces their owners define (L2–L4); neither uses the other.
        new(5, "Storage.InMemory", [], [.. Primitives, .. Capabilities, .. Modules, .. Flows]),
        new(5, "Storage.Redis", [], [.. Primitives, .. Capabilities, .. Modules, .. Flows]),

        // Exporters, tracing options, the span scrubber: the instruments belong to their owners (IMeterFactory).
        new(5, "Observability", [], [.. Primitives]),

        // Flows combine modules and capabilities; they never call each other (a lifecycle two flows share is a module).
        new(4, "Recovery", [], [.. Primitives, .. Capabilities, .. Modules]),
        new(4, "Access", [], [.. Primitives, .. Capabilities, .. Modules]),
        new(4, "CallCentre", [], [.. Primitives, .. Capabilities, .. Modules]),

        // Domain modules own their model, their rules and their store interface; they use capabilities, not each other.
        new(3, "Customers", [], [.. Primitives, .. Capabilities]),
        new(3, "Operations", [], [.. Primitives, .. Capabilities]),

        new(2, "Otp", [], [.. Primitives]),
        new(2, "Sessions", [], [.. Primitives]),
        new(2, "Idempotency", [], [.. Primitives]),
        new(2, "Passwords", ["Passwords.Strength"], [.. Primitives]),
        new(2, "Captcha", [], [.. Primitives]),
        new(2, "Cards", [], [.. Primitives]),
        new(2, "Identity", [], [.. Primitives]),
        new(2, "Channels", [], [.. Primitives]),
        new(2, "RateLimiting", [], [.. Primitives]),

        // Delivery applies the per-phone cap and audits what it sends or gives up.
        new(2, "Notifications", ["Notifications.Sms"], [.. Primitives, "RateLimiting", "Audit"]),
        new(2, "Audit", [], [.. Primitives]),

        new(1, "Security", [], ["Common"]),

        // Storage's options and StorageUnavailableException only: the records and interfaces belong to their modules.
        new(1, "Storage", [], ["Common"]),

        new(0, "Common", [], []),
    ];

    /// <summary>Uses outside the table that exist today ("from → to" between units). Only ever delete lines.</summary>
    public static IReadOnlySet<(string From, string To)> KnownViolations { get; } = new HashSet<(string, string)>
    {
    };

    /// <summary>Other assemblies' namespaces (by prefix) that only the listed units may use: the domain never sees the wire or Redis.</summary>
    public static IReadOnlyList<(string Prefix, string[] Units)> ExternalOwners { get; } =
    [
        ("Grpc.", ["Grpc", "Hosting"]),
        ("Google.Protobuf", ["Grpc", "Hosting"]),
        ("Google.Rpc", ["Grpc", "Hosting"]),
        ("Recovery.V1", ["Grpc", "Hosting"]),
        ("StackExchange.Redis", ["Storage.Redis", "Hosting"]),
    ];

    /// <summary>The unit a namespace belongs to, or null when the table has no row for it.</summary>
    public static string? UnitOf(string ns) => Units.FirstOrDefault(u => u.Name == ns || u.Members.Contains(ns))?.Name;

    /// <param name="Layer">L0 (Common) to L7 (Program).</param>
    /// <param name="Name">The unit's namespace below Recovery.AuthServer.</param>
    /// <param name="Members">Sub-namespaces that are part of the same unit.</param>
    /// <param name="Uses">The units it may use.</param>
    internal sealed record Unit(int Layer, string Name, string[] Members, string[] Uses)
    {
        /// <summary>How docs/architecture.md writes it: <c>Notifications(.Sms)</c>.</summary>
        public string Label => Name + string.Concat(Members.Select(m => "(" + m[Name.Length..] + ")"));
    }
}
