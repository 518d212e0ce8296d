/** Compared on registration: a page that loads two different builds should hear about it. */
export const VERSION = '0.1.0';
