using System.Net.Sockets;
using System.Text;
using Pipeline.Application.Http;

namespace Pipeline.Local.Tests.Edge;

/// <summary>
/// Requests broken below JSON, written byte by byte on a socket as a careless or hostile client sends them: broken
/// chunked framing and a body that stops arriving are the client's doing and get 400 / 408 problems, never a 500.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class FramingTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Broken_chunked_framing_is_a_400_problem()
    {
        var answer = await SendRawAsync(Head("Transfer-Encoding: chunked") + "ZZ\r\n{\"name\":\"x\"}\r\n0\r\n\r\n");

        AssertProblem(answer, 400, ErrorCodes.MalformedRequest);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_a_408_problem_and_the_connection_closes()
    {
        var answer = await SendRawAsync(Head("Content-Length: 200") + "{\"name\":");

        AssertProblem(answer, 408, ErrorCodes.RequestTimeout);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_refused_unread_and_the_connection_closes()
    {
        var answer = await SendRawAsync(Head($"Content-Length: {ApiLimits.BodyBytesMax + 1}") + "{");

        AssertProblem(answer, 413, ErrorCodes.BodyTooLarge);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
    }

    private string Head(string framing) =>
        $"POST /api/v1/merchants HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {fixture.AdminKey}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n";

    /// <summary>Writes <paramref name="request"/>, then keeps the connection open (sending nothing more) until the server answers and closes it.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.Host.BaseAddress.Host, fixture.Host.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // The server reset the connection after its answer: what arrived is the answer.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static void AssertProblem(string answer, int status, string code)
    {
        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"\"code\":\"{code}\"", answer, StringComparison.Ordinal);
    }
}
