using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.UnitTests.Passwords;

public class PhcStringTests
{
    private static readonly byte[] Salt = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Hash = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    private static string Valid => new PhcString(19456, 2, 1, "p1", Salt, Hash).ToString();

    [Fact]
    public void ToString_WritesPhcFormatWithUnpaddedBase64()
    {
        var text = new PhcString(19456, 2, 1, "p1", Salt, Hash).ToString();

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$", text, StringComparison.Ordinal);
        var parts = text.Split('$');
        Assert.Equal(6, parts.Length);
        Assert.Equal(Convert.ToBase64String(Salt).TrimEnd('='), parts[4]);
        Assert.Equal(Convert.ToBase64String(Hash).TrimEnd('='), parts[5]);
        Assert.DoesNotContain("=", parts[4] + parts[5], StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhatToStringWrote_RoundTrips()
    {
        var original = new PhcString(65536, 3, 4, "k2025", Salt, Hash);

        Assert.True(PhcString.TryParse(original.ToString(), out var parsed));
        Assert.NotNull(parsed);
        Assert.Equal((65536, 3, 4, "k2025"), (parsed.MemoryKib, parsed.Iterations, parsed.Parallelism, parsed.KeyId));
        Assert.Equal(Salt, parsed.Salt);
        Assert.Equal(Hash, parsed.Hash);
        Assert.Equal(original.ToString(), parsed.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=16$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$2b$10$abcdefghijklmnopqrstuv")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA")] // no hash
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1")] // no salt, no hash
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM$extra")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$!!!not-base64!!!$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$%%%")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$abcde")] // impossible base64 length
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // 4-byte salt
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2g")] // 5-byte hash
    [InlineData("$argon2id$v=19$t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // no m
    [InlineData("$argon2id$v=19$m=19456,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // no t
    [InlineData("$argon2id$v=19$m=19456,t=2,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // no p
    [InlineData("$argon2id$v=19$m=abc,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=-1,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=4,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // m too small
    [InlineData("$argon2id$v=19$m=4194305,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // m absurd
    [InlineData("$argon2id$v=19$m=4194304,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // m = 4 GiB
    [InlineData("$argon2id$v=19$m=1048577,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // m above the configurable 1 GiB
    [InlineData("$argon2id$v=19$m=19456,t=21,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // t above the configurable 20
    [InlineData("$argon2id$v=19$m=19456,t=2,p=17,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // p above the configurable 16
    [InlineData("$argon2id$v=19$m=99999999999,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // m overflows int
    [InlineData("$argon2id$v=19$m=19456,t=0,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=19456,t=101,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=0,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=65,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // empty keyid
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,x=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // unknown parameter
    [InlineData("$argon2id$v=19$m19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // no '='
    [InlineData("$argon2id$v=19$m= 19456,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")] // whitespace
    public void TryParse_Malformed_ReturnsFalseWithoutThrowing(string text)
    {
        var ok = PhcString.TryParse(text, out var phc);

        Assert.False(ok);
        Assert.Null(phc);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(PhcString.TryParse(null, out var phc));
        Assert.Null(phc);
    }

    [Fact]
    public void TryParse_LongerThan512Characters_ReturnsFalse()
    {
        var text = new PhcString(19456, 2, 1, "p1", Salt, new byte[400]).ToString();
        Assert.True(text.Length > 512);

        Assert.False(PhcString.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_AtTheConfigurableMaxima_ReturnsTrue()
    {
        var text = new PhcString(Argon2Options.MaxMemoryKib, Argon2Options.MaxIterations, Argon2Options.MaxParallelism, "p1", Salt, new byte[32]).ToString();

        Assert.True(PhcString.TryParse(text, out var phc));
        Assert.Equal((1_048_576, 20, 16), (phc!.MemoryKib, phc.Iterations, phc.Parallelism));
    }

    [Fact]
    public void TryParse_Valid_ReturnsTrue()
    {
        Assert.True(PhcString.TryParse(Valid, out var phc));
        Assert.Equal("p1", phc!.KeyId);
    }
}
