import type { ApiResult, CallOptions, LoginRequest, PostOptions, RefreshRequest } from '../types.js';
import type { Context } from './context.js';
import { idempotencyHeader } from './context.js';

export const auth = ({ client }: Context) => ({
  login: (body: LoginRequest, o?: PostOptions): Promise<ApiResult<'login'>> =>
    client.POST('/api/v1/auth/login', { body, headers: idempotencyHeader(o), signal: o?.signal }),
  refresh: (body: RefreshRequest, o?: PostOptions): Promise<ApiResult<'refreshToken'>> =>
    client.POST('/api/v1/auth/refresh', { body, headers: idempotencyHeader(o), signal: o?.signal }),
  logout: (o?: PostOptions): Promise<ApiResult<'logout'>> =>
    client.POST('/api/v1/auth/logout', { headers: idempotencyHeader(o), signal: o?.signal }),
  me: (o?: CallOptions): Promise<ApiResult<'getCurrentPrincipal'>> =>
    client.GET('/api/v1/auth/me', { signal: o?.signal }),
});
