import { Button } from '@mantine/core';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyList } from './components.js';

/** Any address inside the app that leads nowhere (or to a page the user may not open). */
export default function NotFoundPage({ reason }: { reason?: string }) {
  return (
    <EmptyList
      icon={<IconMapOff size={28} />}
      title={reason ? 'No access' : 'Page not found'}
      description={
        reason ?? 'There is nothing at this address. It may have moved, or the link may be mistyped.'
      }
      action={
        <Button component={Link} to="/" variant="light">
          Back to the overview
        </Button>
      }
    />
  );
}
