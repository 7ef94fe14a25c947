import {
  Anchor,
  AppShell,
  Avatar,
  Box,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout, IconShieldHalfFilled, IconUserCircle } from '@tabler/icons-react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { RoleBadge } from './components.js';
import { navigation } from './navigation.js';
import { notifyError } from './notify.js';
import { useSession } from './session.js';

function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('');
}

/** The signed-in frame: header with the user, navigation filtered by permission, the page. */
export function Shell() {
  const { me, can, signOut } = useSession();
  const [opened, navbar] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  const entries = navigation.filter((entry) => !entry.permission || can(entry.permission));

  const onSignOut = async () => {
    try {
      await signOut();
    } catch (error) {
      notifyError(error, 'Sign-out did not reach the server');
    }
    await navigate('/login', { replace: true });
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Burger
              opened={opened}
              onClick={() => navbar.toggle()}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Anchor component={Link} to="/" c="inherit" underline="never" aria-label="Vigil overview">
              <Group gap={6}>
                <IconShieldHalfFilled size={26} color="var(--mantine-color-vigil-7)" />
                <Text fw={700} size="lg">
                  Vigil
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Menu position="bottom-end" width={220} withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label="Account menu" data-testid="user-menu">
                <Group gap="xs">
                  <Avatar size={32} radius="xl" color="vigil">
                    {initialsOf(me.name)}
                  </Avatar>
                  <Box visibleFrom="sm">
                    <Text size="sm" fw={600} lh={1.2}>
                      {me.name}
                    </Text>
                    <Text size="xs" c="dimmed" lh={1.2}>
                      {me.email}
                    </Text>
                  </Box>
                  <Box visibleFrom="xs">
                    <RoleBadge role={me.role} />
                  </Box>
                  <IconChevronDown size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconUserCircle size={16} />} component={Link} to="/account">
                My account
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconLogout size={16} />} onClick={() => void onSignOut()}>
                Sign out
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {entries.map((entry) => {
            const active =
              entry.to === '/' ? location.pathname === '/' : location.pathname.startsWith(entry.to);
            return (
              <NavLink
                key={entry.to}
                component={Link}
                to={entry.to}
                label={entry.label}
                leftSection={<entry.icon size={18} stroke={1.6} />}
                active={active}
                variant="light"
                onClick={() => navbar.close()}
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
