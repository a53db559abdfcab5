using System.Diagnostics;
using Recovery.AuthServer.Observability;

namespace Recovery.AuthServer.UnitTests.Observability;

public sealed class SpanScrubberTests
{
    [Fact]
    public void OnEnd_AttributesOffTheAllowList_Dropped()
    {
        using var span = new Activity("test");
        span.SetTag("http.request.method", "POST").SetTag("rpc.method", "StartRecovery").SetTag("url.query", "?to=+34612345331")
            .SetTag("http.request.header.authorization", "Bearer secret").SetTag("user_agent.original", "app 4548812044110335")
            .SetTag("exception.message", "code 493817 was wrong");

        new SpanScrubber().OnEnd(span);

        Assert.Equal(
            [new("http.request.method", "POST"), new("rpc.method", "StartRecovery")],
            span.TagObjects.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)));
    }

    [Theory]
    [InlineData("http://u:p@gw.example:13013/cgi-bin/sendsms?password=p&to=%2B346&text=493817", "http://gw.example:13013/cgi-bin/sendsms")]
    [InlineData("https://api.example/2010-04-01/Messages.json#frag", "https://api.example/2010-04-01/Messages.json")]
    [InlineData("http://127.0.0.1:9/x?*", "http://127.0.0.1:9/x")]
    public void OnEnd_UrlWithUserQueryOrFragment_KeepsSchemeHostPortAndPath(string url, string expected)
    {
        using var span = new Activity("GET " + url);
        span.SetTag("url.full", url);

        new SpanScrubber().OnEnd(span);

        Assert.Equal(expected, span.GetTagItem("url.full"));
        Assert.Equal("GET " + expected, span.DisplayName);
    }

    [Theory]
    [InlineData("EVALSHA", "EVALSHA")]
    [InlineData("SCRIPT LOAD", "SCRIPT LOAD")]
    [InlineData("GET rec:{4548812044110335}:code", null)]
    [InlineData("EVAL return redis.call('set', KEYS[1], ARGV[1])", null)]
    public void OnEnd_RedisStatement_OnlyACommandNameKept(string statement, string? expected)
    {
        using var span = new Activity("redis");
        span.SetTag("db.system", "redis").SetTag("db.statement", statement).SetTag("db.query.text", statement);

        new SpanScrubber().OnEnd(span);

        Assert.Equal(expected, span.GetTagItem("db.statement"));
        Assert.Equal(expected, span.GetTagItem("db.query.text"));
        Assert.Equal("redis", span.GetTagItem("db.system"));
    }

    [Fact]
    public void OnEnd_ErrorStatusWithText_KeepsTheCodeDropsTheText()
    {
        using var span = new Activity("test");
        span.SetStatus(ActivityStatusCode.Error, "password Antigua#Clave42 rejected");

        new SpanScrubber().OnEnd(span);

        Assert.Equal((ActivityStatusCode.Error, null), (span.Status, span.StatusDescription));
    }
}
