using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Sessions;

/// <summary>How change tickets and sessions are keyed at rest: by a keyed hash of the bearer token, never the token.</summary>
public static class SessionTokens
{
    /// <summary>The key of a change ticket in the session store.</summary>
    /// <remarks>
    /// A keyed hash (not the token, nor a plain hash): whoever reads the store (a Redis dump, a replica) finds no
    /// token they could present, and cannot test guesses offline without the server's code key. The kind is part
    /// of the input, so a ticket can never be presented as a session or the other way round.
    /// </remarks>
    public static string TicketHash(SecretKeys keys, string token) => Hash(keys, "ticket", token);

    /// <summary>The key of a session in the session store (see <see cref="TicketHash"/> for why keyed).</summary>
    public static string SessionHash(SecretKeys keys, string token) => Hash(keys, "session", token);

    private static string Hash(SecretKeys keys, string kind, string token) => KeyedHash.ComputeHex(keys.CodeKey, kind + ":" + token);
}
