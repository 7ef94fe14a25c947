import type { ReactNode } from 'react';
import { Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { allSiteRoles } from '../../../contracts/access.js';
import { PageHeader, RoleBadge } from '../../app/components.js';
import { useSession } from '../../app/session.js';
import { browserTimeZone } from '../../app/time.js';
import { useSiteDirectory } from '../sites/directory.js';
import { PasswordCard } from './PasswordCard.js';
import { TokensCard } from './TokensCard.js';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** My account: who I am, my password, my API tokens. */
export default function AccountPage() {
  const { me } = useSession();
  const { byId } = useSiteDirectory();
  const sites = me.sites.map((id) => byId.get(id)?.name ?? id);
  return (
    <Stack gap="lg">
      <PageHeader title="My account" />
      <Paper p="lg" radius="md">
        <Title order={4} mb="md">
          Profile
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <Field label="Name">
            <Text size="sm">{me.name}</Text>
          </Field>
          <Field label="Email">
            <Text size="sm">{me.email}</Text>
          </Field>
          <Field label="Role">
            <Group gap="xs">
              <RoleBadge role={me.role} />
            </Group>
          </Field>
          <Field label="Sites">
            <Text size="sm">
              {allSiteRoles.includes(me.role)
                ? 'All sites'
                : sites.length > 0
                  ? sites.join(', ')
                  : 'None assigned'}
            </Text>
          </Field>
          <Field label="Signed in with">
            <Text size="sm">{me.authMethod === 'oidc' ? 'single sign-on' : me.authMethod}</Text>
          </Field>
          <Field label="Your time zone">
            <Text size="sm">{browserTimeZone}</Text>
          </Field>
        </SimpleGrid>
      </Paper>
      <PasswordCard />
      <TokensCard />
    </Stack>
  );
}
