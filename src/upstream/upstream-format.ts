/** The API an upstream speaks, so the proxy knows what to send it and how to read its answers. */
export enum UpstreamFormat {
  /**
   * OpenAI's API (Chat Completions, Responses, Completions, Embeddings): OpenAI
   * itself and every OpenAI-compatible provider. A client of the Anthropic
   * Messages API is served by translation.
   */
  OPENAI = 'openai',
  /**
   * Anthropic's Messages API (`POST {baseUrl}/messages`, the key as
   * `x-api-key`, an `anthropic-version` header). A Chat Completions client is
   * served by translation; the Responses API is not served.
   */
  ANTHROPIC = 'anthropic',
}
