namespace Pipeline.Application.Http;

/// <summary>Reads a request body into memory, refusing (null) anything over the route's limit without reading it all.</summary>
internal static class RequestBody
{
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int bytesMax)
    {
        if (request.ContentLength > bytesMax)
        {
            return null;
        }

        // The server refuses bodies over the common limit before we see them; a route that takes files raises it for its own requests.
        if (bytesMax > ApiLimits.BodyBytesMax && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = bytesMax;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > bytesMax)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
