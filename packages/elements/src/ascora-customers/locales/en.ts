/** How an Ascora link reads; shared with `<crew-ascora-jobs>`. */
export const linkTerms = {
  linkState: {
    linked: 'Linked',
    pending: 'Changed here',
    conflict: 'Conflict',
    error: 'Failed',
    none: 'Not in Ascora',
  },
  lastSynced: (when: string) => `Synced ${when}`,
  push: 'Send to Ascora',
  pull: 'Fetch from Ascora',
  pushing: 'Sending…',
  pulling: 'Fetching…',
  loadMore: 'Load more',
  refresh: 'Refresh',
};
export type LinkTerms = typeof linkTerms;

export const en = {
  ...linkTerms,
  title: 'Customers in Ascora',
  columns: { customer: 'Customer', state: 'Ascora', actions: 'Actions' },
  pushed: (name: string) => `${name} was sent to Ascora.`,
  pulled: (name: string) => `${name} was fetched from Ascora.`,
  noCustomers: 'No customers yet.',
  attention: (count: number) => (count === 1 ? '1 needs attention' : `${count} need attention`),
};
export type AscoraCustomersTerms = typeof en;
