using Grpc.Core;

namespace Recovery.AuthServer.Grpc;

/// <summary>The credential of a call: the token of its <c>authorization: Bearer &lt;token&gt;</c> header.</summary>
public static class BearerHeader
{
    private const string Scheme = "Bearer ";

    /// <summary>The token, or null when the header is missing or not a bearer credential.</summary>
    public static string? Read(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.RequestHeaders.GetValue("authorization");
        return header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }
}
