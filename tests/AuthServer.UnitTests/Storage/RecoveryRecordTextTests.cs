using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.UnitTests.Storage;

public class RecoveryRecordTextTests
{
    private static readonly RecoveryRecord Record = new()
    {
        Id = "r-1",
        CustomerId = "c-1",
        CardHash = "ab12",
        DocumentHash = "cd34",
        Language = "es-ES",
        Channel = "web",
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_796_053_430_574),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1_796_057_030_574),
    };

    [Fact]
    public void Write_OpenRecord_StateLetterFirstThenEveryValueOnItsLine()
    {
        Assert.Equal("O\nc-1\nab12\ncd34\nes-ES\nweb\n1796053430574\n1796057030574", RecoveryRecordText.Write(Record));
    }

    [Theory]
    [InlineData(RecoveryState.Open)]
    [InlineData(RecoveryState.Completed)]
    [InlineData(RecoveryState.Blocked)]
    public void Read_WrittenRecordInEachState_TheSameRecord(RecoveryState state)
    {
        var record = Record with { State = state, CustomerId = null, DocumentHash = null };

        Assert.Equal(record, RecoveryRecordText.Read("r-1", RecoveryRecordText.Write(record)));
    }

    [Fact]
    public void StateLetter_EachState_OneDistinctByteAsSetStateRewritesIt()
    {
        var letters = Enum.GetValues<RecoveryState>().Select(RecoveryRecordText.StateLetter).ToList();

        Assert.All(letters, l => Assert.Single(l));
        Assert.Equal(letters.Count, letters.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("O\nc-1\nab12\ncd34\nes-ES\nweb\n1796053430574")]
    [InlineData("X\nc-1\nab12\ncd34\nes-ES\nweb\n1796053430574\n1796057030574")]
    [InlineData("O\nc-1\n\ncd34\nes-ES\nweb\n1796053430574\n1796057030574")]
    [InlineData("O\nc-1\nab12\ncd34\nes-ES\nweb\n1796053430574\n1796057030574\nextra")]
    public void Read_TextNotWrittenByIt_FormatException(string text)
    {
        Assert.Throws<FormatException>(() => RecoveryRecordText.Read("r-1", text));
    }

    [Fact]
    public void Write_ValueWithALineFeed_RefusedRatherThanReadBackAsAnotherRecord()
    {
        Assert.Throws<ArgumentException>(() => RecoveryRecordText.Write(Record with { Channel = "web\nO" }));
    }
}
