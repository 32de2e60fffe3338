using Microsoft.Azure.Cosmos;

namespace Pipeline.Application.Cosmos;

/// <summary>Request options for writes whose document is not read back: the response carries no body (less egress, fewer RUs).</summary>
public static class NoContent
{
    public static readonly ItemRequestOptions Item = new() { EnableContentResponseOnWrite = false };

    public static readonly TransactionalBatchItemRequestOptions BatchItem = new() { EnableContentResponseOnWrite = false };
}
