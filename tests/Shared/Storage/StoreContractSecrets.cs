using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>Test secrets of the store contracts: only their keyed hashes may ever reach a store.</summary>
internal static class StoreContractSecrets
{
    public const string Pan = "4548812049400335";
    public const string Password = "Correct-Horse-9!";
    public const string TemporaryPassword = "Tmp-7Qx-4kLm";

    public static readonly string PanHash = Mac(Pan);

    /// <summary>A keyed hash as the server makes them (hex HMAC-SHA256 under a test key).</summary>
    public static string Mac(string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData("contract-test-key"u8, Encoding.UTF8.GetBytes(secret)));

    public static string Phc(string password) =>
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(password))).TrimEnd('=');
}
