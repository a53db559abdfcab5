using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// A Lua script's text with its SHA-1, the name EVALSHA runs it by, and whether this connection's server has it
/// (<see cref="RedisConnection.ScriptAsync"/>). Redis names a script by the SHA-1 of its text; that is an identifier
/// here, not a security measure.
/// </summary>
internal sealed class LuaScriptHandle(string text)
{
    private volatile bool loaded;

    public string Text { get; } = text;

#pragma warning disable CA5350 // SHA-1 is the name Redis gives a script (SCRIPT LOAD, EVALSHA), not a protection.
    public byte[] Sha1 { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

    /// <summary>Whether the script has run by its text on this connection once (which loads it on the server that ran it).</summary>
    public bool Loaded
    {
        get => loaded;
        set => loaded = value;
    }
}
