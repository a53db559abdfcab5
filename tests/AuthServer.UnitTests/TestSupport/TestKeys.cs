using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.TestSupport;

internal static class TestKeys
{
    public static byte[] Key(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    public static SecretKeys Create(string pepperId = "p1", byte cardKey = 1, byte codeKey = 2, byte pepper = 3) =>
        new(Key(cardKey), Key(codeKey), Key(pepper), pepperId);
}
